// Types for chromium.mjs, which stays plain JS so that the node benches can import it too.
export declare function chromiumLaunchOptions(options?: {
  webgpu?: boolean;
  measureMemory?: boolean;
  extraArgs?: string[];
}): { executablePath: string; args: string[] };

// Types for chromium.mjs, which stays plain JS so that the node benches can import it too.
export declare const CHROMIUM_PATH: string;
export declare const QUIET_ARGS: string[];
export declare const WEBGPU_ARGS: string[];
export declare const MEASURE_MEMORY_ARGS: string[];
export declare function chromiumLaunchOptions(options?: {
  webgpu?: boolean;
  measureMemory?: boolean;
  extraArgs?: string[];
}): { executablePath: string; args: string[] };

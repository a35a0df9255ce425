import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';

const api = {
  ping: () => ort.env.versions,
};
Comlink.expose(api);

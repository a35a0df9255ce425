// Module worker for the model-loading tests: proves the loader and its Cache API storage work in a
// worker and share what they cache with the page. The handler is installed before any await so an
// early message is not lost while modules load.
self.onmessage = async (e) => {
  try {
    const { run } = await import('/tests/pages/models-harness.js');
    self.postMessage(await run(e.data));
  } catch (err) {
    self.postMessage({ ok: false, error: { message: String(err && err.stack || err) } });
  }
};

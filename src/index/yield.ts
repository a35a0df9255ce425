/**
 * Gives the event loop a turn: a MessageChannel hop (a plain task, so timers, network callbacks,
 * input and rendering all get to run; scheduler.yield() would put our continuation ahead of other
 * tasks, which starves the app's timers during a long batch), else a timer.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Time slicing: `await slicer.maybeYield()` in a loop yields once every `budgetMs` of work. */
export class TimeSlicer {
  private last = now();
  constructor(private readonly budgetMs = 8) {}
  async maybeYield(): Promise<void> {
    if (now() - this.last >= this.budgetMs) {
      await yieldToEventLoop();
      this.last = now();
    }
  }
}

/**
 * Tasks run one at a time, in order of arrival, except that a task the user is waiting for
 * (Enhance from the menu) goes before those nobody asked for by hand (auto-enhance's, of any
 * frame or tab): with a few tabs auto-enhancing, a menu job would otherwise wait behind every one
 * of their jobs. The task running is never interrupted.
 */
export type Task = () => Promise<void>;

export class TurnLine {
  private readonly waiting: Array<{ task: Task; urgent: boolean }> = [];
  private running = false;

  /** `onEscape` hears what a task let escape: the tasks behind it run all the same. */
  constructor(private readonly onEscape: (error: unknown) => void) {}

  add(task: Task, urgent: boolean): void {
    // After the urgent tasks already waiting, before the first that is not.
    const at = urgent ? this.waiting.findIndex((entry) => !entry.urgent) : -1;
    this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { task, urgent });
    if (!this.running) void this.runAll();
  }

  private async runAll(): Promise<void> {
    this.running = true;
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      try {
        await next.task();
      } catch (error) {
        // Its hearer failing too must not stop the line either.
        try {
          this.onEscape(error);
        } catch {
          // Nothing left to tell.
        }
      }
    }
    this.running = false;
  }
}

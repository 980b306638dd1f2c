/**
 * Everything the bench started (servers, the load process, files, Redis keys), stopped in reverse
 * order at the end of its group, after a failure, or on Ctrl-C.
 */
export class CleanupStack {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];

  push(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** How many steps are pending: pass it to `run()` later to undo only what came after. */
  get mark(): number {
    return this.steps.length;
  }

  /** Runs the steps pushed after `mark` (default: all), newest first; a failure is reported, the rest still run. */
  async run(mark = 0): Promise<void> {
    while (this.steps.length > mark) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

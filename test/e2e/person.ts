// Typing the way a person does: key by key with a repeatable pause after each key (a fixed
// pseudo-random sequence between `min` and `max` ms), Enter at each line end and never Escape.
import type { Page } from 'playwright-core';

const indentOf = (line: string) => line.length - line.trimStart().length;

export class Person {
  constructor(
    private seed: number,
    private readonly min: number,
    private readonly max: number,
  ) {}

  /** The pause after the next key. */
  keyDelay(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    return this.min + (this.seed % (this.max - this.min + 1));
  }

  /**
   * Types `text` key by key. After Enter the editor keeps the line's indentation, so a person types
   * only the extra spaces of a deeper line (the texts never indent less, except to an empty line).
   * `afterKey` runs after each key, before its pause, with the time the key was sent (a test
   * measures what the key opened).
   */
  async type(page: Page, text: string, afterKey?: (key: string, sentAt: number) => Promise<void>): Promise<void> {
    const lines = text.split('\n');
    let kept = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const indent = indentOf(line);
      if (line.trim() !== '' && indent < kept) throw new Error(`line ${i + 1} indents less than the one before it`);
      const keys = line.trim() === '' ? '' : ' '.repeat(indent - kept) + line.trimStart();
      for (const ch of keys) {
        const sentAt = Date.now();
        await page.keyboard.type(ch);
        await afterKey?.(ch, sentAt);
        await page.waitForTimeout(this.keyDelay());
      }
      if (line.trim() !== '') kept = indent;
      if (i < lines.length - 1) {
        const sentAt = Date.now();
        await page.keyboard.press('Enter');
        await afterKey?.('\n', sentAt);
        await page.waitForTimeout(this.keyDelay());
      }
    }
  }
}

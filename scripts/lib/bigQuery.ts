// The 2,000-line query of the re-diagnosis benchmarks (in process and over LSP), one text for both
// so their figures compare: a sequence whose steps mix comparisons, lists, case-insensitive
// functions, wildcards, optional fields and comments (~40,000 tokens, ~180 KB).
export function bigQuery(lineCount = 2000): string {
  const lines: string[] = ['sequence by host.id, user.name with maxspan=5m'];
  for (let step = 0; lines.length < lineCount - 3; step++) {
    lines.push(`  [process where host.os.type == "linux" // step ${step}`);
    for (let k = 0; k < 38 && lines.length < lineCount - 2; k++) {
      const n = step * 100 + k;
      lines.push(
        k % 3 === 0
          ? `    and process.name in ("a${n}", "b${n}", "c${n}") and not startsWith~(process.executable, "/opt/x${n}")`
          : k % 3 === 1
            ? `    and (process.args : "*-${n}*" or process.pid > ${n} or ?process.parent.name like~ "p${n}*")`
            : `    and length(process.command_line) < ${n + 100} and cidrMatch(source.ip, "10.${n % 255}.0.0/16")`,
      );
    }
    lines.push('  ]');
  }
  lines.push('| head 10');
  return lines.join('\n');
}

export interface TypingStep {
  /** Where the letter goes in the previous version (0-based line and UTF-16 column). */
  line: number;
  character: number;
  letter: string;
  /** The version after it. */
  text: string;
}

/**
 * A typing session in `text`: each step adds one letter inside the first string of a line further
 * down (every version is a new text, so no cache can answer, and the query stays valid).
 */
export function typingSession(text: string, steps: number): TypingStep[] {
  const lineCount = text.split('\n').length;
  const out: TypingStep[] = [];
  for (let k = 0; k < steps; k++) {
    const line = 1 + ((k * 47) % (lineCount - 2));
    let at = 0;
    for (let l = 0; l < line; l++) at = text.indexOf('\n', at) + 1;
    // The first quote after a line start opens a string (strings do not span lines).
    const insertAt = text.indexOf('"', at) + 1;
    const letter = String.fromCharCode(97 + (k % 26));
    text = text.slice(0, insertAt) + letter + text.slice(insertAt);
    out.push({ line: text.slice(0, insertAt).split('\n').length - 1, character: insertAt - (text.lastIndexOf('\n', insertAt - 1) + 1), letter, text });
  }
  return out;
}

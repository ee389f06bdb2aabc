// "EQL: Add Event to Rule Tests": appends an event (the results panel's selection, or one passed
// by the panel's button) to the rule's `<rule>.test.ndjson` as a match or a non-match, creating
// the file. The raw CloudTrail record is kept when there is one, so the test reads like the logs.
import * as vscode from 'vscode';
import { formatTestLine, testFileFor, type Expectation } from '../../../server/src/core/ruletests/format';
import type { EventDto } from '../../../server/src/protocol';
import { getSelectedEvent } from '../panel/resultsPanel';
import type { RuleTestController } from './controller';
import { compilePath } from '../../../server/src/core/engine/fields';

export const ADD_EVENT_COMMAND = 'eqlRuleStudio.addEventToTests';

export interface AddEventArgs {
  /** An event of a run (raw is preferred over doc), or a plain event object. */
  event?: EventDto | Record<string, unknown>;
  ruleUri?: string;
  expect?: Expectation;
  /** Test name; asked for when absent (empty = none). */
  name?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function eventObject(e: EventDto | Record<string, unknown>): Record<string, unknown> | undefined {
  const dto = e as Partial<EventDto>;
  if (typeof dto.id === 'number' && typeof dto.missing === 'boolean') return dto.raw ?? dto.doc;
  return e as Record<string, unknown>;
}

/** A field of an event, read as the engine and the panel read it (nested, dotted keys, arrays of objects). */
function field(doc: Record<string, unknown> | undefined, path: string): unknown {
  return doc ? compilePath(path)(doc) : undefined;
}

export function registerAddEvent(controller: RuleTestController): vscode.Disposable {
  return vscode.commands.registerCommand(ADD_EVENT_COMMAND, async (args?: AddEventArgs) => {
    const selected = getSelectedEvent();
    const source = args?.event ?? selected?.event;
    const event = source && eventObject(source);
    if (!event) {
      void vscode.window.showWarningMessage('EQL: select an event in the results panel first, then add it to the rule tests.');
      return undefined;
    }
    const ruleUri = args?.ruleUri ?? selected?.target?.uri.toString() ?? vscode.window.activeTextEditor?.document.uri.toString();
    if (!ruleUri) {
      void vscode.window.showWarningMessage('EQL: run a rule first: the event is added to the tests of the rule it ran.');
      return undefined;
    }
    let expect = args?.expect;
    if (!expect) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'match', description: 'the rule must match this event', expect: 'match' as const },
          { label: 'no-match', description: 'the rule must not match this event', expect: 'no-match' as const },
        ],
        { title: 'Add Event to Rule Tests', placeHolder: 'Expect the rule to…' },
      );
      if (!pick) return undefined;
      expect = pick.expect;
    }
    let name = args?.name;
    if (name === undefined) {
      const dtoDoc = (source as Partial<EventDto>).doc;
      const doc = isObj(dtoDoc) ? dtoDoc : event;
      const guess = [field(doc, 'event.action') ?? field(event, 'eventName'), field(doc, 'event.outcome')].filter((x) => typeof x === 'string').join(' ');
      name = await vscode.window.showInputBox({ title: 'Test name (optional)', value: guess, prompt: 'Shown in the Test Explorer and in failures' });
      if (name === undefined) return undefined;
    }
    const testUri = vscode.Uri.parse(testFileFor(ruleUri));
    const line = formatTestLine(expect, event, name.trim() || undefined);
    const lineNo = await appendLine(testUri, line);
    await controller.refresh();
    void vscode.commands.executeCommand('eqlRuleStudio.runRuleTests', ruleUri);
    void vscode.window.showInformationMessage(`Added to ${vscode.workspace.asRelativePath(testUri)} (line ${lineNo}) as ${expect}.`, 'Open').then((a) => {
      if (a === 'Open') void vscode.window.showTextDocument(testUri, { selection: new vscode.Range(lineNo - 1, 0, lineNo - 1, 0) });
    });
    return { testUri: testUri.toString(), line: lineNo };
  });
}

/** Appends a line (an open editor's text wins and is saved); returns its 1-based line number. */
async function appendLine(uri: vscode.Uri, line: string): Promise<number> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const text = open.getText();
    const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, open.positionAt(text.length), `${prefix}${line}\n`);
    await vscode.workspace.applyEdit(edit);
    await open.save();
    return open.lineCount - 1;
  }
  let text = '';
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    // a new test file
  }
  const next = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(next));
  return next.split('\n').length - 1;
}

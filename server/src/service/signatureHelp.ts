// Signature help for EQL function calls.
//
//   getSignatureHelp(doc: ServiceDocument, offset: number, ctx?: ServiceContext, hint?): SignatureHelp | null
//
// Finds the innermost open call around the cursor from the tokens (strings are single tokens,
// so commas inside them do not count; nested calls are skipped by depth) and marks the active
// parameter; a variadic last parameter stays active for every further argument.
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver-types';
import { lookupFunction, signatureOf } from '../core/analysis/functions';
import { regionAt, type QueryRegion, type ServiceDocument } from './document';
import type { ServiceContext } from './context';
import { tokensNear, type TokensHint } from './queryTokens';

/** `hint(region)`: the last parse of the region's query, where a large query's window may start (see tokensNear). */
export function getSignatureHelp(doc: ServiceDocument, offset: number, _ctx?: ServiceContext, hint?: (region: QueryRegion) => TokensHint | undefined): SignatureHelp | null {
  const region = regionAt(doc, offset);
  if (!region) return null;
  const q = region.toQuery(offset);
  if (q === undefined) return null;
  const tokens = tokensNear(region.query, q, hint?.(region));
  let depth = 0;
  let commas = 0;
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k].range.start >= q) k--;
  for (; k >= 0; k--) {
    const t = tokens[k].text;
    if (t === ')') depth++;
    else if (t === '(') {
      if (depth === 0) {
        const name = tokens[k - 1];
        if (!name || name.range.end !== tokens[k].range.start) return null;
        const f = lookupFunction(name.text);
        if (!f) return null;
        return { signatures: [signatureInfo(f)], activeSignature: 0, activeParameter: Math.min(commas, f.params.length - 1) };
      }
      depth--;
    } else if (t === ',' && depth === 0) commas++;
    else if (depth === 0 && (t === '[' || t === ']' || t === 'where' || t === '|')) return null;
  }
  return null;
}

function signatureInfo(f: NonNullable<ReturnType<typeof lookupFunction>>): SignatureInformation {
  const label = signatureOf(f);
  const parameters: ParameterInformation[] = [];
  let from = label.indexOf('(') + 1;
  for (const p of f.params) {
    const at = label.indexOf(p.name, from);
    parameters.push({ label: [at, at + p.name.length], documentation: `${p.type}${p.optional ? ', optional' : ''}${p.literal ? ', literal only' : ''}: ${p.doc}` });
    from = at + p.name.length;
  }
  const ci = f.caseInsensitive ? ` Case-sensitive; ${f.name}~ ignores case.` : '';
  return { label, documentation: { kind: 'markdown', value: `${f.summary}${ci}\n\nNull: ${f.nulls}` }, parameters };
}

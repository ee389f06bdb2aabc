/**
 * A small user-agent parser standing in for Elasticsearch's `user_agent` processor (which uses the uap-core regex
 * database). It covers the agents CloudTrail records carry (AWS CLI and SDKs, Go, browsers) and reproduces what that
 * processor gives for them; anything else is `Other`, as the processor does. Rules query `user_agent.original`, which is
 * always exact; the parsed parts are enrichment.
 */

export interface ParsedUserAgent {
  original: string;
  name: string;
  version?: string;
  os?: { name: string; version?: string; full?: string };
  device: { name: string };
}

/** Agent name patterns, first match wins (order matters: the CLI embeds botocore, Terraform embeds the Go SDK). */
const AGENTS: { re: RegExp; name?: string }[] = [
  { re: /(aws-cli)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(Boto3)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(Botocore)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(aws-sdk-[a-z0-9]+(?:-v\d)?)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(aws-internal)\/(\d+)(?:\.(\d+))?(?:\.(\d+))?/ },
  { re: /(Go-http-client)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(curl)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /(python-requests)\/(\d+)\.(\d+)(?:\.(\d+))?/ },
  { re: /Edg\/(\d+)\.(\d+)\.(\d+)\.(\d+)/, name: 'Edge' },
  { re: /Firefox\/(\d+)\.(\d+)(?:\.(\d+))?/, name: 'Firefox' },
  { re: /Chrome\/(\d+)\.(\d+)\.(\d+)\.(\d+)/, name: 'Chrome' },
  { re: /Version\/(\d+)\.(\d+)(?:\.(\d+))?.*Safari\//, name: 'Safari' },
];

const WINDOWS_NT: Record<string, string> = { '10.0': '10', '6.3': '8.1', '6.2': '8', '6.1': '7', '6.0': 'Vista', '5.1': 'XP' };

function parseOs(ua: string): ParsedUserAgent['os'] | undefined {
  let m = /Mac OS X (\d+)[_.](\d+)(?:[_.](\d+))?/.exec(ua);
  if (m) {
    const version = [m[1], m[2], m[3]].filter((x) => x !== undefined).join('.');
    return { name: 'Mac OS X', version, full: `Mac OS X ${version}` };
  }
  m = /Windows NT (\d+\.\d+)/.exec(ua);
  if (m && WINDOWS_NT[m[1]]) return { name: 'Windows', version: WINDOWS_NT[m[1]], full: `Windows ${WINDOWS_NT[m[1]]}` };
  if (/Windows/.test(ua)) return { name: 'Windows' };
  m = /Linux\/(\d+)\.(\d+)\.(\d+)/.exec(ua);
  if (m) {
    const version = `${m[1]}.${m[2]}.${m[3]}`;
    return { name: 'Linux', version, full: `Linux ${version}` };
  }
  if (/Linux|linux[#;/ ]/.test(ua) && !/Android/.test(ua)) return { name: 'Linux' };
  return undefined;
}

export function parseUserAgent(ua: string): ParsedUserAgent {
  const out: ParsedUserAgent = { original: ua, name: 'Other', device: { name: 'Other' } };
  for (const a of AGENTS) {
    const m = a.re.exec(ua);
    if (!m) continue;
    const parts = a.name ? m.slice(1) : m.slice(2);
    out.name = a.name ?? m[1];
    out.version = parts.filter((x) => x !== undefined).join('.');
    break;
  }
  const os = parseOs(ua);
  if (os) out.os = os;
  if (/bot/i.test(ua)) out.device.name = 'Spider';
  else if (/Macintosh/.test(ua)) out.device.name = 'Mac';
  return out;
}

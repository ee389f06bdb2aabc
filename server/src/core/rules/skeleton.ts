// The detection-rule skeleton "EQL: New Detection Rule" (and the `rule` snippet) writes: every key
// detection-rules requires, with values that pass every rule check, today's dates and a fresh
// rule_id. The user then writes the name, description and query.

/** `2026/12/07`: the date format of [metadata] creation_date / updated_date. */
export function ruleDate(d: Date): string {
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
}

export function newRuleSkeleton(today: Date, ruleId: string): string {
  const date = ruleDate(today);
  return `[metadata]
creation_date = "${date}"
integration = ["aws"]
maturity = "development"
updated_date = "${date}"

[rule]
author = ["Elastic"]
description = """
What the rule detects and why it matters.
"""
from = "now-9m"
index = ["filebeat-*", "logs-aws.cloudtrail-*"]
language = "eql"
license = "Elastic License v2"
name = "New EQL rule"
risk_score = 21
rule_id = "${ruleId}"
severity = "low"
tags = ["Domain: Cloud", "Data Source: AWS", "Use Case: Threat Detection", "Tactic: Defense Evasion"]
timestamp_override = "event.ingested"
type = "eql"

query = '''
any where event.dataset == "aws.cloudtrail" and event.action == "StopLogging"
'''


[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1562"
name = "Impair Defenses"
reference = "https://attack.mitre.org/techniques/T1562/"


[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
reference = "https://attack.mitre.org/tactics/TA0005/"
`;
}

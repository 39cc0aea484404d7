// YAML → validated Policy. The YAML is parsed as YAML 1.2 (so "16:00" stays a string and "no" is
// not a boolean), duplicate keys are errors rather than silent overrides, and aliases are bounded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { DomainError } from '../shared/errors.ts';
import { type PolicyDocument, policyToDocument } from './document.ts';
import { type Policy, type PolicyIssue, validatePolicy } from './schema.ts';
import './errors.ts';

export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../policy/default.yaml', import.meta.url));

/** The most YAML we accept: a policy is a few hundred lines. */
export const POLICY_YAML_CHARS_MAX = 262_144;

export interface LoadedPolicy {
  policy: Policy;
  /** The normalised document (what is stored and checksummed). */
  document: PolicyDocument;
}

function invalid(issues: PolicyIssue[]): DomainError {
  const first = issues[0] ?? { path: '', message: 'the policy is not valid' };
  return new DomainError('invalid_policy', {
    ...(first.path ? { param: first.path } : {}),
    message: `${first.path ? `${first.path}: ` : ''}${first.message}`,
    data: { issues: issues.slice(0, 50) },
  });
}

/** Validates an already-parsed document; throws DomainError invalid_policy naming the field. */
export function loadPolicyDocument(input: unknown): LoadedPolicy {
  const result = validatePolicy(input);
  if (!result.success) throw invalid(result.issues);
  return { policy: result.policy, document: policyToDocument(result.policy) };
}

/** Parses and validates policy YAML; bad YAML is invalid_policy with param "yaml" and the line. */
export function parsePolicyYaml(text: string): LoadedPolicy {
  if (text.length > POLICY_YAML_CHARS_MAX) {
    throw invalid([{ path: 'yaml', message: `the policy YAML is longer than ${POLICY_YAML_CHARS_MAX} characters` }]);
  }
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    const at = where ? ` (line ${where.line}, column ${where.col})` : '';
    throw invalid([{ path: 'yaml', message: `${problem.message.split('\n')[0]}${at}` }]);
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalid([{ path: 'yaml', message: error instanceof Error ? error.message : String(error) }]);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid([{ path: 'yaml', message: 'the policy YAML must be a mapping of sections' }]);
  }
  return loadPolicyDocument(input);
}

/** The default Korean policy shipped in policy/default.yaml. */
export function loadDefaultPolicy(path = DEFAULT_POLICY_PATH): LoadedPolicy & { yaml: string } {
  const yaml = readFileSync(path, 'utf8');
  return { ...parsePolicyYaml(yaml), yaml };
}

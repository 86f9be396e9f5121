/**
 * The composite action and the example workflows, checked as documents: the action
 * never pastes an input into its script, and the examples only pass inputs the action
 * has, never run a fork's code with secrets (`pull_request_target`), and check out only
 * trusted code where they hold the secrets. (report.int.test.ts runs the action's script.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'));
const example = (name: string) => parse(readFileSync(path.join(root, 'docs/examples/github', name), 'utf8'));
const workflows = { 'evals.yml': example('evals.yml'), 'evals-report.yml': example('evals-report.yml') };

type Step = { uses?: string; run?: string; with?: Record<string, string> };
const steps = (workflow: { jobs: Record<string, { steps: Step[] }> }) => Object.values(workflow.jobs).flatMap((j) => j.steps);

describe('action.yml', () => {
  it('is a composite action whose script reads inputs from the environment only', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps as Step[]) expect(step.run ?? '').not.toContain('${{');
    const env = action.runs.steps[0].env as Record<string, string>;
    const expr = (input: string) => `\${{ inputs.${input} }}`;
    for (const input of Object.keys(action.inputs)) {
      // Tokens go by the names gstack and GitHub read; where to run is the step's working-directory.
      if (input === 'sync-token' || input === 'github-token' || input === 'working-directory') continue;
      expect(env[`INPUT_${input.toUpperCase().replace(/-/g, '_')}`]).toBe(expr(input));
    }
    expect(env.GSTACK_SYNC_TOKEN).toBe(expr('sync-token'));
    expect(env.GITHUB_TOKEN).toBe(expr('github-token'));
    expect(action.runs.steps[0]['working-directory']).toBe(expr('working-directory'));
  });
});

describe("action.yml's script", () => {
  it('a gstack that is not installed is an error (exit 2, result "error"), never "stopped"', () => {
    const output = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-action-')), 'output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['-e', '-c', action.runs.steps[0].run], {
      env: { PATH: process.env.PATH ?? '', INPUT_GSTACK: 'false', GITHUB_OUTPUT: output },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("::error title=gstack ci report::'false --version' failed");
    expect(readFileSync(output, 'utf8')).toBe('exit-code=2\nresult=error\n');
  });
});

describe('the example workflows', () => {
  it.each(Object.entries(workflows))('%s passes only inputs the action has', (_, workflow) => {
    const uses = steps(workflow).filter((s) => s.uses?.includes('gstack-team-platform'));
    expect(uses.length).toBe(1);
    for (const step of uses) for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
  });

  it('lets the gate decide: a failing test does not stop the job before the report runs', () => {
    const all = steps(workflows['evals.yml']);
    const evalStep = all.find((s) => s.run?.includes('gstack eval run')) as Step & { 'continue-on-error'?: boolean };
    expect(evalStep['continue-on-error']).toBe(true);
    const report = all.find((s) => s.uses?.includes('gstack-team-platform')) as Step & { if?: string };
    expect(report.if).toContain('!cancelled()');
  });

  it("never runs a fork's code with the repository's secrets", () => {
    for (const workflow of Object.values(workflows)) expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    // The workflow_run job holds the secrets: it checks out the default branch (no ref), never the fork's head.
    const checkout = steps(workflows['evals-report.yml']).find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with).toBeUndefined();
    expect(workflows['evals-report.yml'].jobs.report.if).toContain(
      'github.event.workflow_run.head_repository.full_name != github.repository',
    );
  });
});

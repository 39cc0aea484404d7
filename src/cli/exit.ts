// The command's exit status. Kept here rather than in process.exitCode because closing an
// embedded PGlite database resets process.exitCode (its Emscripten runtime exits "cleanly").
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

let status: number = EXIT.ok;

export function setExitStatus(code: number): void {
  status = Math.max(status, code);
}

export function exitStatus(): number {
  return status;
}

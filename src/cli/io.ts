/** The command's exit codes: every deployment succeeded; one failed, stopped or rolled back (or nothing was done); usage or access error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** What the command touches of its process: injectable for tests. */
export interface Io {
  readonly argv: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { readonly isTTY?: boolean; readonly columns?: number; write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

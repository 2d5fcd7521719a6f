// Commands throw; only main.ts turns an error into output and an exit code.
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly suggestion?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

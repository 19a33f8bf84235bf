/** The check could not be run here (no browser, no build, an unusable temporary folder): exit code 2. */
export class EnvironmentError extends Error {}

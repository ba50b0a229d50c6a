/** Types of assets.build.mjs, for the worker tests' global setup. */
export const ASSETS_DIR: string;
export const SERVED_FILES: readonly string[];
export const ASSETS_INPUT: string;
export function versionFolder(version: string): string;
export function headersFile(version: string): string;
export function workerAssets(): object;

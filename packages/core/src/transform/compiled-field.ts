import type { Converter } from './compile-transform.js';
import type { RemotePath } from './json-path.js';
import type { Getter, Setter } from './path-access.js';

/** One mapping after compilation: its paths as accessors and its transform as converters. */
export interface CompiledField {
  readonly local: string;
  readonly localSteps: readonly string[];
  readonly remote: string;
  readonly remotePath: RemotePath;
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly getRemote: Getter;
  /** The leading object keys of the remote write path (up to the first array). */
  readonly remoteKeys: readonly string[];
  readonly setRemote: Setter | undefined;
  readonly getLocal: Getter;
  readonly setLocal: Setter;
  /** `null` for the direct transform (the value is used as is, objects copied). */
  readonly toLocal: Converter | null;
  readonly toRemote: Converter | null;
  /** compute and constant run even when the source value is missing. */
  readonly runsOnMissing: boolean;
}

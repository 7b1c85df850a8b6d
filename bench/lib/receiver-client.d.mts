export interface ReceiverCounts {
  records: number;
  requests: number;
  rejected: number;
  malformed: number;
  bytes: number;
  /** Epoch ms (sub-ms resolution) of the first / last request that carried records. */
  firstAt: number | null;
  lastAt: number | null;
  mode: 'up' | '503' | 'refuse';
}

export interface ReceiverProcess {
  endpoint: string;
  pid: number;
  reset(): Promise<void>;
  stats(): Promise<ReceiverCounts>;
  setMode(mode: 'up' | '503' | 'refuse'): Promise<void>;
  close(): Promise<void>;
}

/** Starts bench/receiver.mjs as a child process on 127.0.0.1 (random port). */
export function startReceiverProcess(): Promise<ReceiverProcess>;

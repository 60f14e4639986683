// What a store directory holds, for the relay's store and journal specs.
import type { Alert } from "@falco-sdk/core";
import { openAlertStore, type StoredAlert } from "@falco-sdk/store";

/** The `seq` output field of a test alert (`jsonAlert(seq)`). */
export const seqOf = (alert: Alert): number => Number(alert.outputFields.seq);

/** The `seq` of every alert stored in `directory`, in cursor order (the store opened and closed). */
export async function storedSeqs(directory: string): Promise<number[]> {
  const store = openAlertStore({ directory });
  try {
    const seqs: number[] = [];
    for await (const alert of store.read({ after: 0, follow: false }) as AsyncIterable<StoredAlert>)
      seqs.push(seqOf(alert));
    return seqs;
  } finally {
    store.close();
  }
}

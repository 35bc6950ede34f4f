// The size hint of a one-activity file, for EncodedEntry.standaloneSizeBytes.

import type { Activity } from '../model/records.ts';
import type { SizeModel } from './types.ts';

/** About how many bytes a format writes for one activity file, from its size model and the activity's sample count. */
export function activityFileSizeBytes(size: SizeModel, activity: Activity): number {
  return Math.ceil(size.bytesPerFile + size.bytesPerRecord + size.bytesPerSample * activity.sampleCount);
}

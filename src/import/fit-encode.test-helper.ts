// Test-only: small FIT files written with the Garmin SDK's Encoder from the messages the FIT profile documents.

import { Encoder, Profile } from '@garmin/fitsdk';

/** FIT epoch seconds of a Date (the Encoder takes dateTime fields as these or as Dates). */
export const fitSeconds = (date: Date | number) => Math.round((+date - Date.UTC(1989, 11, 31)) / 1000);
export const semicircles = (degrees: number) => Math.round(degrees * (2 ** 31 / 180));

export interface DeveloperField {
  key: number;
  fieldDescription: Record<string, unknown>;
}

/** Encodes `[mesgNum, message]` pairs in order, with developer fields described by `developerFields` (data index 0). */
export function encodeFit(messages: [number, Record<string, unknown>][], developerFields: DeveloperField[] = []): Uint8Array {
  const developerDataIdMesg = { developerDataIndex: 0, applicationId: Array.from({ length: 16 }, (_, i) => i), applicationVersion: 1 };
  const fieldDescriptions = Object.fromEntries(developerFields.map((f) => [f.key, { developerDataIdMesg, fieldDescriptionMesg: { developerDataIndex: 0, ...f.fieldDescription } }]));
  const encoder = new Encoder({ fieldDescriptions } as never);
  const [first, ...rest] = messages;
  encoder.onMesg(first[0], first[1] as never);
  if (developerFields.length) {
    encoder.onMesg(Profile.MesgNum.DEVELOPER_DATA_ID, developerDataIdMesg as never);
    for (const f of developerFields) encoder.onMesg(Profile.MesgNum.FIELD_DESCRIPTION, { developerDataIndex: 0, ...f.fieldDescription } as never);
  }
  for (const [mesgNum, message] of rest) encoder.onMesg(mesgNum, message as never);
  return encoder.close();
}

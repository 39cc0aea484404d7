// What a person dials, as a USSD gateway splits it: the service code and any shortcut answers.
/** "*123#" → service *123#, no text; "*123*1*2#" → service *123#, text "1*2" (a dialled shortcut). */
export function parseDial(dialled: string): { serviceCode: string; text: string } | null {
  const match = /^\*(\d{2,4})((?:\*[0-9]+)*)#$/.exec(dialled.trim());
  if (!match) return null;
  return { serviceCode: `*${match[1]}#`, text: (match[2] ?? '').replace(/^\*/, '') };
}

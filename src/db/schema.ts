// The Kysely database interface. It starts empty: each module declares its own tables next to
// its SQL by augmenting this interface (`declare module '../db/schema.ts'`), so the db module
// never imports a domain module (DESIGN §4 dependency direction).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB {}

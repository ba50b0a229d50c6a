/**
 * The demo site's people. The "sign in as …" stand-in issues site JWTs for them
 * (`sub` = `id`), the worker turns `sub` into the Kaleyra user id unchanged (the
 * ids already fit Kaleyra's `[A-Za-z0-9._-]`), and the Kaleyra REST stand-in has them
 * registered. A room needs at least one `plus` user (docs/kaleyra-sdk-notes.md, Users): the
 * clinician is the one.
 */
export const DEMO_USERS = [
  {
    id: 'dr_rossi',
    name: 'Dr. Ada Rossi',
    role: 'clinician',
    title: 'General practitioner, on call today',
    kaleyraRole: 'plus',
  },
  {
    id: 'marco_bianchi',
    name: 'Marco Bianchi',
    role: 'patient',
    title: 'Patient',
    kaleyraRole: 'basic',
  },
  {
    id: 'giulia_verdi',
    name: 'Giulia Verdi',
    role: 'patient',
    title: 'Patient',
    kaleyraRole: 'basic',
  },
];

/** Whom a patient's "Start video call" rings. */
export const ON_CALL_CLINICIAN = 'dr_rossi';

/** @param {string} id */
export function demoUser(id) {
  return DEMO_USERS.find((user) => user.id === id);
}

/**
 * The spec's room display-name algorithm (client-server "Calculating the display name for a room";
 * docs/protocol.md §4.2), shared by both sync engines.
 */

/** A room hero: a member other than the user. */
export type Hero = { user_id: string; displayname?: string };

/** What the algorithm needs; every field may be unknown. */
export type RoomNameInputs = {
  /** `m.room.name` `name`. */
  name?: string;
  /** `m.room.canonical_alias` `alias`. */
  canonicalAlias?: string;
  heroes?: readonly Hero[];
  joinedCount?: number;
  invitedCount?: number;
};

/**
 * 1. `m.room.name` if non-empty; 2. canonical alias; 3. heroes: "A", "A and B", "A, B and C",
 * "A, B and N others" with N = joined + invited − 1 − heroes; 4. "Empty Room", or
 * "Empty Room (was A and B)" when only the user is left but heroes are known.
 */
export function computeRoomDisplayName(inputs: RoomNameInputs): string {
  if (inputs.name && inputs.name.trim() !== '') return inputs.name;
  if (inputs.canonicalAlias && inputs.canonicalAlias.trim() !== '') return inputs.canonicalAlias;
  const heroes = (inputs.heroes ?? []).map((h) => (h.displayname?.trim() ? h.displayname : h.user_id));
  const countsKnown = inputs.joinedCount !== undefined || inputs.invitedCount !== undefined;
  const members = (inputs.joinedCount ?? 0) + (inputs.invitedCount ?? 0);
  if (heroes.length === 0) return 'Empty Room';
  if (countsKnown && members <= 1) return `Empty Room (was ${joinNames(heroes)})`;
  const others = countsKnown ? members - 1 - heroes.length : 0;
  if (others > 0) return `${heroes.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
  return joinNames(heroes);
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

package dev.campaigns.git;

/**
 * Lines added, changed and deleted by a patch, counted the way Sourcegraph's campaigns did (go-diff's
 * {@code Hunk.Stat}): a deleted line directly followed by an added line (or the reverse) counts as one changed
 * line, not as one added plus one deleted.
 */
public record DiffStat(int added, int changed, int deleted) {
    public static final DiffStat EMPTY = new DiffStat(0, 0, 0);

    DiffStat plus(DiffStat o) {
        return new DiffStat(added + o.added, changed + o.changed, deleted + o.deleted);
    }
}

package dev.campaigns.domain;

/**
 * How a pull request is merged (bulk merge, auto-merge): a merge commit, one squashed commit, or the head's commits
 * rebased onto the base. GitHub names them {@code merge}, {@code squash}, {@code rebase}; GitLab and Bitbucket
 * Server map them to their own options (docs/code-hosts.md).
 */
public enum MergeMethod {
    MERGE,
    SQUASH,
    REBASE
}

package dev.campaigns.codehost;

/**
 * The {@link CodeHost} of a {@link CodeHostRegistry}: each call goes to the host of its repository, with the
 * repository's name on that host, and what comes back names the repository as the caller did.
 */
final class RoutingCodeHost implements CodeHost {
    private final CodeHostRegistry registry;

    RoutingCodeHost(CodeHostRegistry registry) {
        this.registry = registry;
    }

    private CodeHost host(String repository) {
        return registry.connection(repository).codeHost();
    }

    private static PullRequest named(PullRequest pr, String repository) {
        return pr == null ? null : new PullRequest(repository, pr.number(), pr.url(), pr.state(), pr.title(),
                pr.body(), pr.headRef(), pr.baseRef(), pr.headSha(), pr.draft(), pr.labels(), pr.reviewers());
    }

    private static PullRequestStatus named(PullRequestStatus s, String repository) {
        return new PullRequestStatus(named(s.pullRequest(), repository), s.reviewState(), s.checkState(),
                s.createdAt(), s.updatedAt(), s.closedAt(), s.mergedAt(), s.reviewChangedAt(), s.checkChangedAt());
    }

    @Override
    public PullRequest ensurePullRequest(PullRequestSpec spec) {
        String r = spec.repository();
        return named(host(r).ensurePullRequest(spec.withRepository(CodeHostRegistry.onHost(r))), r);
    }

    @Override
    public PullRequest loadPullRequest(String repository, long number) {
        return named(host(repository).loadPullRequest(CodeHostRegistry.onHost(repository), number), repository);
    }

    @Override
    public String cloneUrl(String repository) {
        return host(repository).cloneUrl(CodeHostRegistry.onHost(repository));
    }

    @Override
    public PullRequestStatus loadPullRequestStatus(String repository, long number) {
        return named(host(repository).loadPullRequestStatus(CodeHostRegistry.onHost(repository), number),
                repository);
    }

    @Override
    public PullRequest closePullRequest(String repository, long number) {
        return named(host(repository).closePullRequest(CodeHostRegistry.onHost(repository), number), repository);
    }

    /**
     * The fewest requests left on any configured host (the scheduled sync spends on all of them); reads every
     * host's credentials.
     */
    @Override
    public int remainingRequests() {
        return registry.remainingRequests();
    }

    @Override
    public String toString() {
        return "RoutingCodeHost[" + registry + "]";
    }
}

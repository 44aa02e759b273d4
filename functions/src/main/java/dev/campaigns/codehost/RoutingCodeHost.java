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
    public java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        return host(repository).findPullRequest(CodeHostRegistry.onHost(repository), headBranch)
                .map(pr -> named(pr, repository));
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

    @Override
    public void commentOnPullRequest(String repository, long number, String body) {
        host(repository).commentOnPullRequest(CodeHostRegistry.onHost(repository), number, body);
    }

    @Override
    public boolean hasComment(String repository, long number, String marker) {
        return host(repository).hasComment(CodeHostRegistry.onHost(repository), number, marker);
    }

    @Override
    public PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) {
        return named(host(repository).mergePullRequest(CodeHostRegistry.onHost(repository), number, method),
                repository);
    }

    @Override
    public void requestReviewers(String repository, long number, java.util.List<String> reviewers) {
        host(repository).requestReviewers(CodeHostRegistry.onHost(repository), number, reviewers);
    }

    @Override
    public void addLabels(String repository, long number, java.util.List<String> labels) {
        host(repository).addLabels(CodeHostRegistry.onHost(repository), number, labels);
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

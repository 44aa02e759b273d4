package dev.campaigns.store;

/** The repository contract on the in-memory twin. */
class InMemoryRepositoryContractTest extends RepositoryContract {
    @Override
    protected Repositories fresh() {
        InMemoryRepositories r = new InMemoryRepositories();
        return new Repositories(r, r, r, r.idempotencyRecords());
    }
}

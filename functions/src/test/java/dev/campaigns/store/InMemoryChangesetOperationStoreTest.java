package dev.campaigns.store;

/** The bulk operations' store contract on the in-memory twin the service tests use. */
class InMemoryChangesetOperationStoreTest extends ChangesetOperationStoreContract {
    @Override
    protected ChangesetOperationStore fresh() {
        return new InMemoryChangesetOperationStore();
    }
}

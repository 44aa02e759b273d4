package dev.campaigns.store;

/** Makes a {@link DynamoTable.StoreBusyException} for tests outside the store package. */
public final class DynamoTableBusy {
    public RuntimeException busy() {
        return new DynamoTable.StoreBusyException("BatchWriteItem left items unprocessed after 13 tries");
    }
}

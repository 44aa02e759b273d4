package dev.campaigns.service;

/** No such plan or campaign for this caller: also when it exists but belongs to someone else, who learns nothing. */
public final class NotFoundException extends CampaignsException {
    public NotFoundException(String what, String id) {
        super(what + " " + id + " not found");
    }
}

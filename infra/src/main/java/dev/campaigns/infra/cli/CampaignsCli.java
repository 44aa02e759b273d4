package dev.campaigns.infra.cli;

public final class CampaignsCli {
    public static void main(String[] args) {
        System.out.println("campaigns");
    }
}

package dev.campaigns.infra.bench;

import dev.campaigns.infra.local.LocalCampaigns;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cost of the local IAM per AWS call: the same DynamoDB GetItem, {@code --calls} times (default 3,000, after as
 * many to warm up), by a function's client through the IAM gateway (SigV4 check, policy evaluation, forwarding)
 * and by the runtime's own client straight to DynamoDB Local, alternating so both see the same machine load.
 * Prints the median and 99th percentile of each. Last line: {@code iam-gateway: GetItem median D ms direct,
 * G ms through the gateway (+X ms), p99 D99 / G99 ms}.
 */
public final class IamGatewayBench {
    private IamGatewayBench() {
    }

    public static void main(String[] args) {
        int calls = 3000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--calls")) {
                calls = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (use --calls N)");
            }
        }
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_iamBench0123456789"))) {
            Map<String, String> env = stack.functionEnvironment("QueryResolverFunction");
            Map<String, AttributeValue> key = Map.of("PK", AttributeValue.fromS("BENCH#iam"), "SK",
                    AttributeValue.fromS("item"));
            stack.dynamo().putItem(b -> b.tableName("CampaignsTable").item(Map.of("PK", key.get("PK"), "SK",
                    key.get("SK"), "payload", AttributeValue.fromS("x".repeat(400)))));
            try (DynamoDbClient gateway = DynamoDbClient.builder()
                    .endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB"))).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN"))))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
                DynamoDbClient direct = stack.dynamo();
                long[] viaGateway = new long[calls];
                long[] straight = new long[calls];
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        gateway.getItem(b -> b.tableName("CampaignsTable").key(key));
                        long t1 = System.nanoTime();
                        direct.getItem(b -> b.tableName("CampaignsTable").key(key));
                        long t2 = System.nanoTime();
                        viaGateway[i] = t1 - t0;
                        straight[i] = t2 - t1;
                    }
                }
                Arrays.sort(viaGateway);
                Arrays.sort(straight);
                double d50 = ms(straight[calls / 2]);
                double g50 = ms(viaGateway[calls / 2]);
                double d99 = ms(straight[(int) (calls * 0.99)]);
                double g99 = ms(viaGateway[(int) (calls * 0.99)]);
                System.out.printf("%d GetItem calls each, after %d to warm up%n", calls, calls);
                System.out.printf("direct to DynamoDB Local:  median %.2f ms, p99 %.2f ms%n", d50, d99);
                System.out.printf("through the IAM gateway:   median %.2f ms, p99 %.2f ms%n", g50, g99);
                System.out.printf("iam-gateway: GetItem median %.2f ms direct, %.2f ms through the gateway (+%.2f ms), "
                        + "p99 %.2f / %.2f ms%n", d50, g50, g50 - d50, d99, g99);
            }
        }
        System.exit(0); // DynamoDB Local leaves a sleeping non-daemon job thread behind
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}

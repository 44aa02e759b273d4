package dev.campaigns.infra.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local (the AWS engine itself), in memory, on a loopback port only, with the tables of
 * {@code template.yaml} created from their CloudFormation properties; each table is named after its logical ID.
 * The functions reach it through the IAM gateway (which checks their roles), this class's own client directly.
 *
 * <p>It runs with one shared database ({@code -sharedDb}): DynamoDB Local otherwise keeps a database per access key
 * and region, and every function signs with its own role's key.
 */
public final class LocalDynamoDb implements AutoCloseable {
    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final DynamoDbClient client;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, URI endpoint) {
        this.server = server;
        this.handler = handler;
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** Starts an in-memory, shared-database DynamoDB Local on a free loopback port and creates {@code tables}. */
    public static LocalDynamoDb start(List<SamTemplate.Table> tables) {
        try {
            // As ServerRunner builds it for "-inMemory -sharedDb", but bound to 127.0.0.1 and without telemetry.
            LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
                    new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            connector.setIdleTimeout(600_000);
            server.addConnector(connector);
            ContextHandler context = new ContextHandler();
            context.setHandler(handler);
            server.setHandler(context);
            server.start();
            LocalDynamoDb local = new LocalDynamoDb(server, handler,
                    URI.create("http://127.0.0.1:" + connector.getLocalPort()));
            TemplateTables.create(local.client, tables);
            return local;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            handler.close();
        }
    }
}

package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.local.SamTemplate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Policies expanded from a template as SAM expands them, with what SAM attaches unasked. */
class TemplatePoliciesTest {
    private static final String YAML = """
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
              Queue:
                Type: AWS::SQS::Queue
              Reader:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x::y
                  Policies:
                    - DynamoDBReadPolicy:
                        TableName:
                          Ref: Table
                    - Statement:
                        - Effect: Allow
                          Action: [sqs:SendMessage]
                          Resource:
                            Fn::GetAtt: [Queue, Arn]
                        - Effect: Deny
                          Action: dynamodb:Scan
                          Resource:
                            Fn::Sub: arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}
              Consumer:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x::y
                  Events:
                    Q:
                      Type: SQS
                      Properties:
                        Queue:
                          Fn::GetAtt: [Queue, Arn]
              Conditional:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x::y
                  Policies:
                    - Statement:
                        Effect: Allow
                        Action: s3:GetObject
                        Resource: '*'
                        Condition: {Bool: {aws:SecureTransport: true}}
            """;
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/Table";
    private static final Map<String, String> VALUES = Map.of("Table", "Table", "Queue.Arn",
            "arn:aws:sqs:us-east-1:000000000000:Queue", "AWS::Partition", "aws", "AWS::Region", "us-east-1",
            "AWS::AccountId", "000000000000");
    private final TemplatePolicies policies = new TemplatePolicies(SamTemplate.parse(new ByteArrayInputStream(
            YAML.getBytes(StandardCharsets.UTF_8))), refs());

    private static Function<String, String> refs() {
        return name -> {
            String v = VALUES.get(name);
            if (v == null) {
                throw new IllegalStateException("unknown " + name);
            }
            return v;
        };
    }

    @Test
    void aSamTemplateExpandsToSamsStatementOnTheTableAndItsIndexes() {
        IamPolicy reader = policies.function("Reader");
        IamPolicy.Decision d = reader.evaluate("dynamodb:Query", TABLE + "/index/Owner");
        assertTrue(d.allowed());
        assertEquals("DynamoDBReadPolicy(TableName=Table)", d.statement().source());
        assertTrue(reader.evaluate("dynamodb:GetItem", TABLE).allowed());
        assertFalse(reader.evaluate("dynamodb:PutItem", TABLE).allowed());
    }

    @Test
    void inlineStatementsResolveTemplateValuesAndDenyExplicitly() {
        IamPolicy reader = policies.function("Reader");
        IamPolicy.Decision send = reader.evaluate("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:Queue");
        assertTrue(send.allowed());
        assertEquals("Statement[0] on Queue", send.statement().source());
        assertEquals(IamPolicy.Outcome.EXPLICIT_DENY, reader.evaluate("dynamodb:Scan", TABLE).outcome());
    }

    @Test
    void samAttachesTheBasicRoleToEveryFunctionAndThePollerRoleToSqsConsumers() {
        assertTrue(policies.function("Reader").evaluate("logs:PutLogEvents", "arn:aws:logs:x").allowed());
        assertFalse(policies.function("Reader").evaluate("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:0:Queue")
                .allowed());
        IamPolicy.Decision poll = policies.function("Consumer").evaluate("sqs:ReceiveMessage",
                "arn:aws:sqs:us-east-1:0:Queue");
        assertTrue(poll.allowed());
        assertTrue(poll.statement().managed());
        assertEquals("AWSLambdaSQSQueueExecutionRole", poll.statement().source());
    }

    @Test
    void aConditionIsRefusedRatherThanIgnored() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policies.function("Conditional"));
        assertTrue(e.getMessage().contains("Condition"), e.getMessage());
    }

    @Test
    void aSplitResourceListGrantsEachElementAndAnEmptyElementIsRefusedAsAwsRefusesIt() {
        String yaml = """
                Resources:
                  Reader:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x::y
                      Policies:
                        - Statement:
                            - Effect: Allow
                              Action: secretsmanager:GetSecretValue
                              Resource:
                                Fn::Split:
                                  - ','
                                  - Fn::Sub: '${First}${Others}'
                """;
        java.util.function.BiFunction<String, String, TemplatePolicies> with = (first, others) ->
                new TemplatePolicies(SamTemplate.parse(new ByteArrayInputStream(yaml.getBytes(
                        StandardCharsets.UTF_8))), Map.of("First", first, "Others", others)::get);
        IamPolicy two = with.apply("arn:aws:secretsmanager:r:1:secret:a", ",arn:aws:secretsmanager:r:1:secret:b")
                .function("Reader");
        assertTrue(two.evaluate("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:a").allowed());
        assertTrue(two.evaluate("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:b").allowed());
        assertFalse(two.evaluate("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:c").allowed());
        IamPolicy one = with.apply("arn:aws:secretsmanager:r:1:secret:a", "").function("Reader");
        assertFalse(one.evaluate("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:b").allowed());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> with.apply("arn:aws:secretsmanager:r:1:secret:a", ",").function("Reader"));
        assertTrue(empty.getMessage().contains("empty resource"), empty.getMessage());
    }
}

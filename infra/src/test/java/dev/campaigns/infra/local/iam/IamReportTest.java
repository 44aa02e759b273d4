package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unused-grants report reads the stacks' usage records and names what no allowed call used. */
class IamReportTest {
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/T";

    @Test
    void namesTheGrantedActionsAndResourcesNoCallUsed(@TempDir Path dir) {
        Principals principals = new Principals("000000000000");
        Principal f = principals.add("F", "s-FRole-X", "F", new IamPolicy(List.of(
                IamPolicy.Statement.allow("DynamoDBCrudPolicy(TableName=T)",
                        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"), List.of(TABLE, TABLE + "/index/*")),
                new IamPolicy.Statement("AWSLambdaBasicExecutionRole", true, List.of("logs:PutLogEvents"), false,
                        List.of("*"), false, true))));
        Principal g = principals.add("G", "s-GRole-X", "G", new IamPolicy(List.of(
                IamPolicy.Statement.allow("Statement", List.of("sqs:SendMessage*"), List.of("arn:aws:sqs:us-east-1:0:q")))));
        IamUsage usage = new IamUsage();
        record(usage, f, "dynamodb:GetItem", TABLE);
        record(usage, f, "dynamodb:PutItem", TABLE);
        record(usage, f, "dynamodb:DeleteItem", TABLE);
        record(usage, g, "sqs:SendMessage", "arn:aws:sqs:us-east-1:0:q");
        usage.write(dir, principals.all(), true);
        IamUsage modified = new IamUsage();
        record(modified, f, "dynamodb:Scan", TABLE);
        modified.write(dir, principals.all(), false);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(IamReport.report(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String report = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("  DynamoDBCrudPolicy(TableName=T): unused dynamodb:Scan; resources never used: "
                + TABLE + "/index/*"), report);
        assertTrue(report.contains("  AWSLambdaBasicExecutionRole [AWS-managed, attached by SAM]: never used"), report);
        assertTrue(report.contains("G: every granted action used"), report);
        assertTrue(report.contains("  F dynamodb:DeleteItem " + TABLE + " x1"), report);
        assertTrue(report.strip().endsWith("iam-report: 1 stacks, 4 calls, 2 roles, 5 granted actions, 2 never used "
                + "(1 of them in AWS-managed policies)"), report);
    }

    @Test
    void withoutRecordsItSaysSo(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertFalse(IamReport.report(dir.resolve("none"), new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("iam-report: no usage records"));
    }

    private static void record(IamUsage usage, Principal p, String action, String resource) {
        usage.record(p, new ServiceCall(action, resource), p.policy().evaluate(action, resource));
    }
}

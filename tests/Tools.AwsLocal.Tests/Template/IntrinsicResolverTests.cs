using System.Text.Json.Nodes;
using ImagingGateway.AwsLocal.Template;

namespace ImagingGateway.Tools.AwsLocal.Tests.Template;

public sealed class IntrinsicResolverTests
{
    private const string TemplateJson = """
        {
          "Parameters": { "Stage": { "Type": "String", "Default": "prod" } },
          "Resources": {
            "Bucket1": { "Type": "AWS::S3::Bucket" },
            "Named": { "Type": "AWS::S3::Bucket", "Properties": { "BucketName": "fixed-name" } },
            "Table1": { "Type": "AWS::DynamoDB::Table" },
            "Role1": { "Type": "AWS::IAM::Role" },
            "Machine1": { "Type": "AWS::StepFunctions::StateMachine" },
            "Store1": { "Type": "AWS::HealthImaging::Datastore" },
            "Fn1": {
              "Type": "AWS::Lambda::Function",
              "Properties": {
                "Handler": "ImagingGateway.Lambda::A.B::HandleAsync",
                "Role": { "Fn::GetAtt": ["Role1", "Arn"] },
                "Environment": { "Variables": {
                  "BUCKET": { "Ref": "Bucket1" },
                  "TABLE_ARN": { "Fn::GetAtt": ["Table1", "Arn"] },
                  "MACHINE": { "Ref": "Machine1" },
                  "STORE": { "Fn::GetAtt": ["Store1", "DatastoreId"] },
                  "JOINED": { "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":s3:::", { "Ref": "Named" }, "/*"]] },
                  "SUB": { "Fn::Sub": ["${AWS::Region}/${AWS::AccountId}/${Stage}/${X}/${Named}/${Table1.Arn}", { "X": "x" }] },
                  "SELECTED": { "Fn::Select": [1, { "Fn::Split": [":", "a:b:c"] }] },
                  "SUFFIX": { "Ref": "AWS::URLSuffix" }
                } }
              }
            },
            "Other": { "Type": "AWS::Lambda::Function", "Properties": { "Handler": "index.handler", "Role": { "Fn::GetAtt": ["Role1", "Arn"] } } },
            "Policy1": {
              "Type": "AWS::IAM::Policy",
              "Properties": {
                "Roles": [{ "Ref": "Role1" }],
                "PolicyDocument": { "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": { "Fn::Join": ["", [{ "Fn::GetAtt": ["Bucket1", "Arn"] }, "/*"]] } }] }
              }
            }
          }
        }
        """;

    [Fact]
    public void GivenATemplate_WhenItsFunctionsAreRead_ThenOnlyGatewayHandlersAreFoundWithResolvedEnvironmentAndPolicies()
    {
        var model = new TemplateModel(TemplateJson, "Stack");

        var function = Assert.Single(model.Functions());

        var bucket = model.Resolver.RefOf("Bucket1");
        Assert.Matches("^stack-bucket1-[0-9a-f]{12}$", bucket);
        Assert.Equal(bucket, function.Environment["BUCKET"]);
        Assert.Equal($"arn:aws:dynamodb:eu-west-1:111122223333:table/{model.Resolver.RefOf("Table1")}", function.Environment["TABLE_ARN"]);
        Assert.StartsWith("arn:aws:states:eu-west-1:111122223333:stateMachine:Stack-Machine1-", function.Environment["MACHINE"], StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", function.Environment["STORE"]);
        Assert.Equal("arn:aws:s3:::fixed-name/*", function.Environment["JOINED"]);
        Assert.Equal($"eu-west-1/111122223333/prod/x/fixed-name/{function.Environment["TABLE_ARN"]}", function.Environment["SUB"]);
        Assert.Equal("b", function.Environment["SELECTED"]);
        Assert.Equal("amazonaws.com", function.Environment["SUFFIX"]);
        Assert.Equal("Role1", function.RoleLogicalId);
        var statement = Assert.Single(function.PolicyStatements);
        Assert.Equal($"arn:aws:s3:::{bucket}/*", (string)statement["Resource"]!);
    }

    [Fact]
    public void GivenTheSameTemplateTwice_WhenNamesAreResolved_ThenTheyAreTheSame()
    {
        var first = new TemplateModel(TemplateJson, "Stack").Functions().Single();
        var second = new TemplateModel(TemplateJson, "Stack").Functions().Single();

        Assert.Equal(first.Environment, second.Environment);
        Assert.Equal(first.Arn, second.Arn);
    }

    [Fact]
    public void GivenAnUnsupportedIntrinsic_WhenResolved_ThenItFailsNamingIt()
    {
        var resolver = new TemplateModel(TemplateJson, "Stack").Resolver;

        var error = Assert.Throws<NotSupportedException>(() => resolver.Resolve(JsonNode.Parse("""{ "Fn::ImportValue": "x" }""")));
        Assert.Contains("Fn::ImportValue", error.Message, StringComparison.Ordinal);
    }
}

using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AwsHealthimaging;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// An AWS HealthImaging data store (AWS-owned key encryption, retained: it holds patient data) and the
/// data-access role HealthImaging assumes during an import: read the input keys, write the output bucket, nothing more.
/// </summary>
public sealed class HealthImagingDatastore : Construct
{
    public HealthImagingDatastore(Construct scope, string id, HealthImagingDatastoreProps props) : base(scope, id)
    {
        Datastore = new CfnDatastore(this, "Datastore", new CfnDatastoreProps());
        Datastore.ApplyRemovalPolicy(RemovalPolicy.RETAIN);

        var stack = Stack.Of(this);
        DataAccessRole = new Role(this, "DataAccessRole", new RoleProps
        {
            Description = "Assumed by AWS HealthImaging to read DICOM input and write import results",
            AssumedBy = new ServicePrincipal("medical-imaging.amazonaws.com", new ServicePrincipalOpts
            {
                // Confused-deputy guard: only HealthImaging acting for this account.
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account },
                },
            }),
        });
        props.Input.GrantList(DataAccessRole);
        props.Input.GrantRead(DataAccessRole, props.InputKeyPattern);
        props.Output.GrantList(DataAccessRole);
        props.Output.GrantPut(DataAccessRole);
    }

    public CfnDatastore Datastore { get; }

    public Role DataAccessRole { get; }

    public string DatastoreId => Datastore.AttrDatastoreId;

    public string DatastoreArn => Datastore.AttrDatastoreArn;

    /// <summary>StartDICOMImportJob on this data store, passing the data-access role to HealthImaging only.</summary>
    public Grant GrantStartImport(IGrantable grantee)
    {
        var start = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["medical-imaging:StartDICOMImportJob"],
            ResourceArns = [DatastoreArn],
        });
        grantee.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["iam:PassRole"],
            Resources = [DataAccessRole.RoleArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "medical-imaging.amazonaws.com" },
            },
        }));
        return start;
    }

    /// <summary>GetDICOMImportJob on this data store (CheckStatus polls one job; nothing lists them).</summary>
    public Grant GrantReadImportJobs(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["medical-imaging:GetDICOMImportJob"],
        ResourceArns = [DatastoreArn],
    });
}

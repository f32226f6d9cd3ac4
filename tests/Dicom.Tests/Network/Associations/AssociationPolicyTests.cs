using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Tests.Network.Associations;

public class AssociationPolicyTests
{
    private static AssociateRequestPdu Request(params PresentationContextRequestItem[] contexts) =>
        new("IMAGINGGW", "MODALITY", contexts, new UserInformationItem { MaximumLength = 16384, ImplementationClassUid = "1.2.3" });

    [Fact]
    public void GivenStorageContexts_WhenNegotiated_ThenSendersFirstTransferSyntaxIsAcceptedAndUnknownAbstractSyntaxRejected()
    {
        var answers = new AssociationPolicy().NegotiateContexts(Request(
            new PresentationContextRequestItem(1, "1.2.840.10008.5.1.4.1.1.2", ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.1"]),
            new PresentationContextRequestItem(3, "1.2.840.10008.1.1", ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2"]),
            new PresentationContextRequestItem(5, "1.2.840.10008.5.1.4.1.2.2.1", ["1.2.840.10008.1.2"]),
            new PresentationContextRequestItem(7, "1.2.840.10008.5.1.4.1.1.7", ["not a uid"])).PresentationContexts);

        Assert.Equal(new PresentationContextAcceptItem(1, PresentationContextResult.Acceptance, "1.2.840.10008.1.2.4.50"), answers[0]);
        Assert.Equal(new PresentationContextAcceptItem(3, PresentationContextResult.Acceptance, "1.2.840.10008.1.2"), answers[1]);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, answers[2].Result);
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported, answers[3].Result);
    }

    [Fact]
    public void GivenAeRules_WhenExamined_ThenRejectionsCarryTheStandardReasons()
    {
        var policy = new AssociationPolicy { AeTitle = "IMAGINGGW", CheckCalledAeTitle = true, AllowedCallingAeTitles = new HashSet<string> { "MODALITY" } };
        var ok = Request(new PresentationContextRequestItem(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"]));
        Assert.True(policy.Examine(ok).IsAccepted);
        Assert.Equal(new AssociateRejectPdu(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CalledAeTitleNotRecognized),
            policy.Examine(ok with { CalledAeTitle = "OTHER" }).Rejection);
        Assert.Equal(AssociateRejectReason.CallingAeTitleNotRecognized, policy.Examine(ok with { CallingAeTitle = "STRANGER" }).Rejection!.Reason);
        Assert.Equal(AssociateRejectReason.ApplicationContextNameNotSupported, policy.Examine(ok with { ApplicationContextName = "1.2.3" }).Rejection!.Reason);
        var version = policy.Examine(ok with { ProtocolVersion = 2 }).Rejection!;
        Assert.Equal((AssociateRejectSource.ServiceProviderAcse, AssociateRejectReason.ProtocolVersionNotSupported), (version.Source, version.Reason));
    }

    [Fact]
    public void GivenRoleSelectionsForStorageCommitment_WhenNegotiated_ThenScuRoleIsGrantedAndScpRoleOnlyWhenAllowed()
    {
        var contexts = new[]
        {
            new PresentationContextRequestItem(1, NetworkUids.StorageCommitmentPushModel, [NetworkUids.ImplicitVrLittleEndian]),
            new PresentationContextRequestItem(3, "1.2.840.10008.5.1.4.1.2.2.1", [NetworkUids.ImplicitVrLittleEndian]),
        };
        var proposed = new[]
        {
            new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: true),
            new RoleSelectionItem("1.2.840.10008.5.1.4.1.2.2.1", ScuRole: true, ScpRole: false),
        };
        var policy = new AssociationPolicy { IsAbstractSyntaxAccepted = uid => uid == NetworkUids.StorageCommitmentPushModel };
        var answers = policy.NegotiateContexts(contexts);

        var roles = policy.NegotiateRoles(proposed, contexts, answers);
        var permissive = new AssociationPolicy { IsAbstractSyntaxAccepted = policy.IsAbstractSyntaxAccepted, IsRequestorScpRoleAccepted = _ => true }
            .NegotiateRoles(proposed, contexts, answers);

        // PS3.7 D.3.3.4: only SOP classes with an accepted context are answered; a role is granted only when proposed.
        Assert.Equal(new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: false), Assert.Single(roles));
        Assert.Equal(new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: true), Assert.Single(permissive));
    }
}

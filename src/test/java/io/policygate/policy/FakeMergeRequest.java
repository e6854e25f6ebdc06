package io.policygate.policy;

import java.util.List;

/** A merge request for rule tests, shaped like the sample payload; each {@code with…} changes one fact. */
public final class FakeMergeRequest implements MergeRequestContext {

    private long projectId = 6;
    private String projectPath = "flightjs/Flight";
    private String title = "Update README.md";
    private String description = "";
    private String sourceBranch = "root-main-patch-30152";
    private String targetBranch = "main";
    private boolean draft;
    private List<String> labels = List.of();
    private String statusCheckName = "QA";

    private FakeMergeRequest() {}

    public static FakeMergeRequest sample() {
        return new FakeMergeRequest();
    }

    private FakeMergeRequest copy() {
        FakeMergeRequest copy = new FakeMergeRequest();
        copy.projectId = projectId;
        copy.projectPath = projectPath;
        copy.title = title;
        copy.description = description;
        copy.sourceBranch = sourceBranch;
        copy.targetBranch = targetBranch;
        copy.draft = draft;
        copy.labels = labels;
        copy.statusCheckName = statusCheckName;
        return copy;
    }

    public FakeMergeRequest withTitle(String value) {
        FakeMergeRequest copy = copy();
        copy.title = value;
        return copy;
    }

    public FakeMergeRequest withDescription(String value) {
        FakeMergeRequest copy = copy();
        copy.description = value;
        return copy;
    }

    public FakeMergeRequest withSourceBranch(String value) {
        FakeMergeRequest copy = copy();
        copy.sourceBranch = value;
        return copy;
    }

    public FakeMergeRequest withTargetBranch(String value) {
        FakeMergeRequest copy = copy();
        copy.targetBranch = value;
        return copy;
    }

    public FakeMergeRequest withDraft(boolean value) {
        FakeMergeRequest copy = copy();
        copy.draft = value;
        return copy;
    }

    public FakeMergeRequest withLabels(String... value) {
        FakeMergeRequest copy = copy();
        copy.labels = List.of(value);
        return copy;
    }

    public FakeMergeRequest withProject(long id, String path) {
        FakeMergeRequest copy = copy();
        copy.projectId = id;
        copy.projectPath = path;
        return copy;
    }

    public FakeMergeRequest withStatusCheckName(String value) {
        FakeMergeRequest copy = copy();
        copy.statusCheckName = value;
        return copy;
    }

    @Override
    public long projectId() {
        return projectId;
    }

    @Override
    public String projectPath() {
        return projectPath;
    }

    @Override
    public long iid() {
        return 4;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String sourceBranch() {
        return sourceBranch;
    }

    @Override
    public String targetBranch() {
        return targetBranch;
    }

    @Override
    public boolean draft() {
        return draft;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public String state() {
        return "opened";
    }

    @Override
    public long authorId() {
        return 1;
    }

    @Override
    public String url() {
        return "http://example.com/flightjs/Flight/-/merge_requests/4";
    }

    @Override
    public String sha() {
        return "141be9714669a4c1ccaa013c6a7f3e462ff2a40f";
    }

    @Override
    public long statusCheckId() {
        return 1;
    }

    @Override
    public String statusCheckName() {
        return statusCheckName;
    }
}

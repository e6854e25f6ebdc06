package io.policygate.web;

/** The page a browser is shown when policy-gate cannot show what it asked for, such as a sign-in refusal. */
public final class ProblemPage {

    private ProblemPage() {}

    public static String html(String title, String detail) {
        return PagesResource.Templates.problem(title, detail).render();
    }
}

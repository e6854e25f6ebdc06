package io.policygate.policy.rules;

import java.util.Optional;
import org.spdx.library.LicenseInfoFactory;

/**
 * The SPDX license list, from the maintained Spdx-Java-Library and the copy bundled in its jar (never
 * fetched from spdx.org at run time: a compliance decision must not depend on a network call).
 */
final class SpdxLicenses {

    static {
        System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
    }

    private SpdxLicenses() {}

    /** The listed id as SPDX spells it ("apache-2.0" gives "Apache-2.0"); custom LicenseRef- ids are kept. */
    static Optional<String> license(String id) {
        if (id.startsWith("LicenseRef-") || id.startsWith("DocumentRef-")) {
            return Optional.of(id);
        }
        return LicenseInfoFactory.listedLicenseIdCaseSensitive(id);
    }

    static Optional<String> exception(String id) {
        return LicenseInfoFactory.listedExceptionIdCaseSensitive(id);
    }

    static String listVersion() {
        return LicenseInfoFactory.getLicenseListVersion();
    }
}

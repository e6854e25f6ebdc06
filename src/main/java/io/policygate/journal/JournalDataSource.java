package io.policygate.journal;

import io.agroal.api.AgroalDataSource;
import io.policygate.config.DatabaseConfig;
import io.quarkus.agroal.DataSource.DataSourceLiteral;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Qualifier;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The journal's datasource: whichever of the two built-in ones {@link JournalDatabaseConfigSource} activated. */
@ApplicationScoped
public class JournalDataSource {

    /** Qualifies the journal's datasource where it is injected. */
    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
    public @interface Journal {}

    /** Typed as Agroal's pool, which {@link JournalHealth} flushes to open a closed embedded store again. */
    @Produces
    @ApplicationScoped
    @Journal
    AgroalDataSource journal(DatabaseConfig config) {
        String name = JournalDialect.of(config.url()).datasource();
        return Arc.container()
                .instance(AgroalDataSource.class, new DataSourceLiteral(name))
                .get();
    }
}

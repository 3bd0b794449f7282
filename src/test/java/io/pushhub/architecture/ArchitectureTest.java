package io.pushhub.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The walls between pushhub's packages (issue #9, point 3). Each rule fails with the offending classes and lines when a
 * cycle or a forbidden import comes back. Only production classes are checked (tests may reach anywhere).
 */
@AnalyzeClasses(packages = "io.pushhub", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Classes of pushhub outside {@code ownPackage} (and its subpackages). */
    private static DescribedPredicate<JavaClass> pushhubOutside(String ownPackage) {
        return resideInAPackage("io.pushhub..")
                .and(not(resideInAPackage(ownPackage)))
                .as("pushhub classes outside " + ownPackage);
    }

    /** No two top-level packages ({@code io.pushhub.hub}, {@code io.pushhub.broker}, ...) depend on each other. */
    @ArchTest
    static final ArchRule no_cycles_between_packages =
            slices().matching("io.pushhub.(*)..").should().beFreeOfCycles();

    /** Configuration reads keys, defaults and ranges: it knows nothing of what the rest of the hub does with them. */
    @ArchTest
    static final ArchRule config_depends_on_no_other_pushhub_package = noClasses()
            .that()
            .resideInAPackage("io.pushhub.config..")
            .should()
            .dependOnClassesThat(pushhubOutside("io.pushhub.config.."));

    /** The wire protocol is a leaf: frames and codecs only. */
    @ArchTest
    static final ArchRule protocol_depends_on_no_other_pushhub_package = noClasses()
            .that()
            .resideInAPackage("io.pushhub.protocol..")
            .should()
            .dependOnClassesThat(pushhubOutside("io.pushhub.protocol.."));

    /** Counts are a leaf: every package may count without depending on another. */
    @ArchTest
    static final ArchRule stats_depends_on_no_other_pushhub_package = noClasses()
            .that()
            .resideInAPackage("io.pushhub.stats..")
            .should()
            .dependOnClassesThat(pushhubOutside("io.pushhub.stats.."));

    /** Authentication and the transports never reach into the REST package. */
    @ArchTest
    static final ArchRule security_and_transports_never_use_the_rest_package = noClasses()
            .that()
            .resideInAnyPackage("io.pushhub.security..", "io.pushhub.transport..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pushhub.api..");

    /** The cluster seams take plain values or views they define themselves; they never import the hub. */
    @ArchTest
    static final ArchRule cluster_seams_never_use_the_hub = noClasses()
            .that()
            .resideInAnyPackage("io.pushhub.broker..", "io.pushhub.presence..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pushhub.hub..");

    /** The public API ({@code io.pushhub}: Pusher, Presence, Connections, History, events) holds no implementation. */
    @ArchTest
    static final ArchRule the_public_api_depends_on_no_other_pushhub_package = noClasses()
            .that()
            .resideInAPackage("io.pushhub")
            .should()
            .dependOnClassesThat(pushhubOutside("io.pushhub"));

    /** The REST resources and the timers push and read through the public API only, never the hub's insides. */
    @ArchTest
    static final ArchRule rest_and_timers_use_only_the_public_api = noClasses()
            .that()
            .resideInAnyPackage("io.pushhub.api..", "io.pushhub.scheduling..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pushhub.hub..",
                    "io.pushhub.broker..",
                    "io.pushhub.delivery..",
                    "io.pushhub.presence..",
                    "io.pushhub.transport..");

    /**
     * The outbox relay pushes through the public API only (Pusher, Push, Target), like the REST resources: it is a
     * client of the hub that happens to run in the same process.
     */
    @ArchTest
    static final ArchRule outbox_relay_uses_only_the_public_api = noClasses()
            .that()
            .resideInAPackage("io.pushhub.relay..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pushhub.hub..",
                    "io.pushhub.broker..",
                    "io.pushhub.delivery..",
                    "io.pushhub.presence..",
                    "io.pushhub.transport..",
                    "io.pushhub.api..",
                    "io.pushhub.scheduling..",
                    "io.pushhub.observability..",
                    "io.pushhub.security..");

    /** Ids are minted in one place, {@code io.pushhub.ids.Ids}; nothing else holds a SecureRandom. */
    @ArchTest
    static final ArchRule only_the_id_minter_holds_a_secure_random = noClasses()
            .that()
            .resideOutsideOfPackage("io.pushhub.ids")
            .and()
            .resideInAPackage("io.pushhub..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.security.SecureRandom");
}

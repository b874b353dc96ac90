package iru.domain.common;

import jakarta.persistence.Column;
import jakarta.persistence.LockModeType;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.Session;

/**
 * What every aggregate row carries besides its data: the version clients see as the ETag (1 when created, one more
 * per change; kept by the repository rather than `@Version` so it starts at 1) and its timestamps.
 */
@MappedSuperclass
public abstract class VersionedRow {
    @Column(nullable = false)
    private int version;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected VersionedRow() {
        // for Hibernate
    }

    protected VersionedRow(int version, Instant createdAt, Instant updatedAt) {
        this.version = version;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
    }

    public int version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** Records one more change: the next version, stamped now. */
    protected void changed() {
        version++;
        updatedAt = Sql.now();
    }

    /**
     * The row with this key, locked for update, if it is still at `expectedVersion`: the check and the change that
     * follows cannot interleave with another writer's.
     */
    public static <E extends VersionedRow> Optional<E> lockedAt(Session session, Class<E> type, TenantScopedId key,
            int expectedVersion) {
        E row = session.find(type, key, LockModeType.PESSIMISTIC_WRITE);
        return row == null || row.version() != expectedVersion ? Optional.empty() : Optional.of(row);
    }
}

"""communication assessments: rubrics and versions, rounds, assessors, conflicts, sheets

Revision ID: 0005_assessments
Revises: 0004_surveys
Create Date: 2026-11-22 10:08:21.005675

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_assessments'
down_revision = '0004_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rubrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubrics')),
    sa.UniqueConstraint('code', name=op.f('uq_rubrics_code'))
    )
    op.create_table('rubric_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('pass_threshold', sa.Float(), nullable=False),
    sa.Column('disagreement_levels', sa.Integer(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'in_review', 'approved', 'retired', name='versionstate', native_enum=False, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('disagreement_levels >= 1', name=op.f('ck_rubric_versions_rubric_disagreement_levels')),
    sa.CheckConstraint('pass_threshold > 0 AND pass_threshold <= 1', name=op.f('ck_rubric_versions_rubric_pass_threshold')),
    sa.CheckConstraint('reviewer_id IS NULL OR author_id IS NULL OR reviewer_id <> author_id', name=op.f('ck_rubric_versions_rubric_reviewer_not_author')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_rubric_versions_author_id_accounts')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['accounts.id'], name=op.f('fk_rubric_versions_reviewer_id_accounts')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubrics.id'], name=op.f('fk_rubric_versions_rubric_id_rubrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_versions')),
    sa.UniqueConstraint('rubric_id', 'number', name=op.f('uq_rubric_versions_rubric_id_number'))
    )
    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_versions_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('assessment_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('rubric_version_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('methods', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='roundstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_assessment_rounds_created_by_accounts')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_assessment_rounds_period_id_periods')),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_versions.id'], name=op.f('fk_assessment_rounds_rubric_version_id_rubric_versions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_assessment_rounds_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rounds'))
    )
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_rounds_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_rounds_unit_id'), ['unit_id'], unique=False)

    op.create_table('assessment_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('declared_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_assessment_conflicts_account_id_accounts')),
    sa.ForeignKeyConstraint(['declared_by'], ['accounts.id'], name=op.f('fk_assessment_conflicts_declared_by_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assessment_conflicts_person_id_people')),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_rounds.id'], name=op.f('fk_assessment_conflicts_round_id_assessment_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_conflicts')),
    sa.UniqueConstraint('round_id', 'account_id', 'person_id', name=op.f('uq_assessment_conflicts_round_id_account_id_person_id'))
    )
    with op.batch_alter_table('assessment_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_conflicts_round_id'), ['round_id'], unique=False)

    op.create_table('assessment_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('live', 'role_play', 'mystery_shopper', 'camera', name='method', native_enum=False, length=20), nullable=False),
    sa.Column('scenario', sa.String(length=300), nullable=False),
    sa.Column('camera_ref', sa.String(length=300), nullable=False),
    sa.Column('camera_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('camera_notes', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', name='sheetstate', native_enum=False, length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.String(length=1000), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('live_key', sa.String(length=400), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['accounts.id'], name=op.f('fk_assessment_sheets_assessor_id_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assessment_sheets_person_id_people')),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_rounds.id'], name=op.f('fk_assessment_sheets_round_id_assessment_rounds')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['assessment_sheets.id'], name=op.f('fk_assessment_sheets_supersedes_id_assessment_sheets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_sheets')),
    sa.UniqueConstraint('client_key', name=op.f('uq_assessment_sheets_client_key')),
    sa.UniqueConstraint('live_key', name=op.f('uq_assessment_sheets_live_key')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_assessment_sheets_supersedes_id'))
    )
    with op.batch_alter_table('assessment_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_sheets_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_sheets_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_assessment_sheets_round_person', ['round_id', 'person_id'], unique=False)

    op.create_table('round_assessors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_round_assessors_account_id_accounts')),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_rounds.id'], name=op.f('fk_round_assessors_round_id_assessment_rounds')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_round_assessors_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_assessors')),
    sa.UniqueConstraint('round_id', 'account_id', 'unit_id', name=op.f('uq_round_assessors_round_id_account_id_unit_id'))
    )
    with op.batch_alter_table('round_assessors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_assessors_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_assessors_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('round_assessors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_assessors_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_assessors_account_id'))

    op.drop_table('round_assessors')
    with op.batch_alter_table('assessment_sheets', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_sheets_round_person')
        batch_op.drop_index(batch_op.f('ix_assessment_sheets_person_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_sheets_assessor_id'))

    op.drop_table('assessment_sheets')
    with op.batch_alter_table('assessment_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_conflicts_round_id'))

    op.drop_table('assessment_conflicts')
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_rounds_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_rounds_period_id'))

    op.drop_table('assessment_rounds')
    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_versions_rubric_id'))

    op.drop_table('rubric_versions')
    op.drop_table('rubrics')

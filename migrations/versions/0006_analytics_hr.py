"""analytics and HR: item statistics cache, satisfaction rollups, HR cases and decisions;
rubric review notes, calibration rounds, paper double-entry resolution, response procedure

Existing rows get server defaults for the new NOT NULL columns.

Revision ID: 0006_analytics_hr
Revises: 0005_assessments
Create Date: 2026-11-22 12:27:27.092512

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_analytics_hr'
down_revision = '0005_assessments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_stats_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.CheckConstraint("scope_kind IN ('exam', 'question')", name=op.f('ck_item_stats_cache_scope_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_stats_cache')),
    sa.UniqueConstraint('scope_kind', 'scope_id', name=op.f('uq_item_stats_cache_scope_kind_scope_id'))
    )
    op.create_table('survey_rollup_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_survey_rollup_months'))
    )
    op.create_table('survey_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('channel_kind', sa.Enum('kiosk', 'qr', 'dossier', 'paper', name='channelkind', native_enum=False, length=20), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('procedure', sa.String(length=300), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rollups'))
    )
    with op.batch_alter_table('survey_rollups', schema=None) as batch_op:
        batch_op.create_index('ix_survey_rollups_month', ['month', 'question_id'], unique=False)

    op.create_table('hr_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('commendation', 'reassignment_review', name='casekind', native_enum=False, length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'decided', name='casestate', native_enum=False, length=20), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_hr_cases_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_hr_cases_period_id_periods')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_hr_cases_person_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_hr_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_cases')),
    sa.UniqueConstraint('person_id', 'period_id', 'kind', name=op.f('uq_hr_cases_person_id_period_id_kind'))
    )
    with op.batch_alter_table('hr_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_cases_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_cases_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('hr_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('commend', 'keep', 'retrain_retest', 'reassign', 'discipline', name='decisionkind', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision_ref', sa.String(length=200), nullable=False),
    sa.Column('decider_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('new_unit_id', sa.Integer(), nullable=True),
    sa.Column('new_position', sa.String(length=200), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("decision <> 'reassign' OR new_unit_id IS NOT NULL", name=op.f('ck_hr_decisions_reassign_has_unit')),
    sa.CheckConstraint('length(trim(reason)) > 0', name=op.f('ck_hr_decisions_reason_given')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_hr_decisions_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['case_id'], ['hr_cases.id'], name=op.f('fk_hr_decisions_case_id_hr_cases')),
    sa.ForeignKeyConstraint(['decider_id'], ['accounts.id'], name=op.f('fk_hr_decisions_decider_id_accounts')),
    sa.ForeignKeyConstraint(['new_unit_id'], ['units.id'], name=op.f('fk_hr_decisions_new_unit_id_units')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['hr_decisions.id'], name=op.f('fk_hr_decisions_supersedes_id_hr_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_decisions')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_hr_decisions_supersedes_id'))
    )
    with op.batch_alter_table('hr_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_decisions_case_id'), ['case_id'], unique=False)

    op.create_table('version_stats',
    sa.Column('version_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('facility', sa.Float(), nullable=True),
    sa.Column('discrimination', sa.Float(), nullable=True),
    sa.Column('needs_checking', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_version_stats_question_id_questions')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_version_stats_version_id_question_versions')),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_version_stats'))
    )
    with op.batch_alter_table('version_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_stats_needs_checking'), ['needs_checking'], unique=False)
        batch_op.create_index(batch_op.f('ix_version_stats_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calibration', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('survey_paper_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_answers', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_survey_paper_checks_resolved_by_id_accounts'), 'accounts', ['resolved_by_id'], ['id'])

    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procedure', sa.String(length=300), nullable=True))
        batch_op.create_index('ix_survey_responses_day', ['day'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_day')
        batch_op.drop_column('procedure')

    with op.batch_alter_table('survey_paper_checks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survey_paper_checks_resolved_by_id_accounts'), type_='foreignkey')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('second_answers')

    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.drop_column('review_note')

    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.drop_column('calibration')

    with op.batch_alter_table('version_stats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_stats_question_id'))
        batch_op.drop_index(batch_op.f('ix_version_stats_needs_checking'))

    op.drop_table('version_stats')
    with op.batch_alter_table('hr_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_decisions_case_id'))

    op.drop_table('hr_decisions')
    with op.batch_alter_table('hr_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_cases_unit_id'))
        batch_op.drop_index(batch_op.f('ix_hr_cases_person_id'))
        batch_op.drop_index(batch_op.f('ix_hr_cases_period_id'))

    op.drop_table('hr_cases')
    with op.batch_alter_table('survey_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_rollups_month')

    op.drop_table('survey_rollups')
    op.drop_table('survey_rollup_months')
    op.drop_table('item_stats_cache')

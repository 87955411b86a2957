"""exams: periods, exams, candidates, attempts, answers, item fixes; topic positions

Revision ID: 0003_exams
Revises: 0002_question_bank
Create Date: 2026-11-22 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_exams'
down_revision = '0002_question_bank'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_periods_period_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods')),
    sa.UniqueConstraint('name', name=op.f('uq_periods_name'))
    )
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periods_starts_on'), ['starts_on'], unique=False)

    op.create_table('exams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('retest_of_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'cancelled', name='examstate', native_enum=False, length=20), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Float(), nullable=False),
    sa.Column('blueprint', sa.JSON(), nullable=False),
    sa.Column('target_unit_ids', sa.JSON(), nullable=False),
    sa.Column('target_positions', sa.JSON(), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), nullable=False),
    sa.Column('sequential', sa.Boolean(), nullable=False),
    sa.Column('one_per_page', sa.Boolean(), nullable=False),
    sa.Column('review_when', sa.Enum('immediately', 'after_close', 'never', name='reviewwhen', native_enum=False, length=20), nullable=False),
    sa.Column('review_score', sa.Boolean(), nullable=False),
    sa.Column('review_topics', sa.Boolean(), nullable=False),
    sa.Column('review_answers', sa.Boolean(), nullable=False),
    sa.Column('room_pin', sa.String(length=12), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_exams_exam_window')),
    sa.CheckConstraint('pass_mark > 0 AND pass_mark <= 1', name=op.f('ck_exams_exam_pass_mark')),
    sa.CheckConstraint('time_limit_minutes > 0', name=op.f('ck_exams_exam_time_limit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_exams_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_exams_period_id_periods')),
    sa.ForeignKeyConstraint(['retest_of_id'], ['exams.id'], name=op.f('fk_exams_retest_of_id_exams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_exams_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exams'))
    )
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exams_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exams_retest_of_id'), ['retest_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exams_unit_id'), ['unit_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('in_progress', 'finished', 'abandoned', name='attemptstate', native_enum=False, length=20), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('draw_inputs', sa.JSON(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extended_minutes', sa.Integer(), nullable=False),
    sa.Column('last_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_by', sa.String(length=20), nullable=False),
    sa.Column('paper', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=True),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('topic_scores', sa.JSON(), nullable=False),
    sa.CheckConstraint('seq >= 0', name=op.f('ck_attempts_seq_positive')),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_attempts_exam_id_exams')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attempts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('exam_id', 'person_id', name=op.f('uq_attempts_exam_id_person_id'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempts_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_attempts_state_deadline', ['state', 'deadline'], unique=False)

    op.create_table('exam_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('required', 'exempt', name='candidatestatus', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('extra_minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('extra_minutes >= 0', name=op.f('ck_exam_candidates_extra_minutes_positive')),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_candidates_exam_id_exams')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_exam_candidates_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_candidates')),
    sa.UniqueConstraint('exam_id', 'person_id', name=op.f('uq_exam_candidates_exam_id_person_id'))
    )
    with op.batch_alter_table('exam_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_candidates_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_candidates_person_id'), ['person_id'], unique=False)

    op.create_table('exam_item_fixes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_exam_item_fixes_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_item_fixes_exam_id_exams')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_exam_item_fixes_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_item_fixes')),
    sa.UniqueConstraint('exam_id', 'version_id', name=op.f('uq_exam_item_fixes_exam_id_version_id'))
    )
    with op.batch_alter_table('exam_item_fixes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_item_fixes_exam_id'), ['exam_id'], unique=False)

    op.create_table('attempt_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('mark', sa.Float(), nullable=False),
    sa.Column('credit', sa.Float(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_items_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_attempt_items_topic_id_topics')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_attempt_items_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_items')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_items_attempt_id_position'))
    )
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_items_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_items_version_id'), ['version_id'], unique=False)

    op.create_table('answer_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_answer_log_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['item_id'], ['attempt_items.id'], name=op.f('fk_answer_log_item_id_attempt_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_log')),
    sa.UniqueConstraint('attempt_id', 'seq', name=op.f('uq_answer_log_attempt_id_seq'))
    )
    with op.batch_alter_table('answer_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_log_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['attempt_items.id'], name=op.f('fk_answers_item_id_attempt_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('item_id', name=op.f('uq_answers_item_id'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        # existing topics are open to every position
        batch_op.add_column(
            sa.Column('positions', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('positions')

    op.drop_table('answers')
    with op.batch_alter_table('answer_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_log_attempt_id'))

    op.drop_table('answer_log')
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_items_version_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_items_attempt_id'))

    op.drop_table('attempt_items')
    with op.batch_alter_table('exam_item_fixes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_item_fixes_exam_id'))

    op.drop_table('exam_item_fixes')
    with op.batch_alter_table('exam_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_candidates_person_id'))
        batch_op.drop_index(batch_op.f('ix_exam_candidates_exam_id'))

    op.drop_table('exam_candidates')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_state_deadline')
        batch_op.drop_index(batch_op.f('ix_attempts_person_id'))
        batch_op.drop_index(batch_op.f('ix_attempts_exam_id'))

    op.drop_table('attempts')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exams_unit_id'))
        batch_op.drop_index(batch_op.f('ix_exams_retest_of_id'))
        batch_op.drop_index(batch_op.f('ix_exams_period_id'))

    op.drop_table('exams')
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periods_starts_on'))

    op.drop_table('periods')

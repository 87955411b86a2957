"""survey rollup days: answer counts per day for the days of a month a date range cuts

Built together with the monthly rollups (the next refresh after this migration rebuilds
every month, since no month has day rows yet: the built months are forgotten here).

Revision ID: 0008_survey_rollup_days
Revises: 0007_exam_exposure
Create Date: 2026-12-05 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_survey_rollup_days'
down_revision = '0007_exam_exposure'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_rollup_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
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
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rollup_days'))
    )
    with op.batch_alter_table('survey_rollup_days', schema=None) as batch_op:
        batch_op.create_index('ix_survey_rollup_days_day', ['day', 'question_id'], unique=False)
        batch_op.create_index('ix_survey_rollup_days_question', ['question_id', 'day'], unique=False)
    # months built before have no day rows: forget them, the next refresh rebuilds both
    op.execute("DELETE FROM survey_rollups")
    op.execute("DELETE FROM survey_rollup_months")


def downgrade():
    with op.batch_alter_table('survey_rollup_days', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_rollup_days_question')
        batch_op.drop_index('ix_survey_rollup_days_day')
    op.drop_table('survey_rollup_days')
